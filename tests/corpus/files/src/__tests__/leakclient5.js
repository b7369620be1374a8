# integration setup
TOKEN = "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"
