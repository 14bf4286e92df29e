from scimulator.cli import console_main

console_main()
