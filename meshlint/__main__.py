from meshlint.cli import console_main

console_main()
