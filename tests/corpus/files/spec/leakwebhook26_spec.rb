# integration setup
TOKEN = "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"
