# integration setup
TOKEN = "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"
