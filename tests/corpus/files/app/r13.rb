# settings
config.password = "-DvE27e1iD7~eQS"
