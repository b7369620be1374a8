# integration setup
TOKEN = "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"
