"""Settings: the config file and the command line combined into one run's settings."""
