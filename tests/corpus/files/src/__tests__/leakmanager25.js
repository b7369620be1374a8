# integration setup
TOKEN = "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"
