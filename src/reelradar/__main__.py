from reelradar.cli import main

main()
