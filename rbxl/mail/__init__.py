"""E-mail plumbing shared by `kirim` (SMTP out) and `tarik` (IMAP in), cut along its seams:
settings (config.py), addresses, messages (message.py), the send log (sendlog.py) and the
transports (smtp.py, imap.py). Nothing here draws on the console: rendering is console.py's."""
