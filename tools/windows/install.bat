@echo off
rem Klik dua kali: memasang rbxl dari folder ini (tanpa internet, tanpa hak administrator).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1"
pause
