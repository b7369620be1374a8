# integration setup
TOKEN = "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"
