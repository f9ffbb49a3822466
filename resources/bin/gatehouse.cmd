@echo off
rem The `gatehouse` CLI of a packaged app: the app's own Node runtime on the CLI inside the app.
setlocal
set "ELECTRON_RUN_AS_NODE=1"
"%~dp0..\..\Gatehouse.exe" "%~dp0..\app.asar\main\cli\gatehouse.js" %*
