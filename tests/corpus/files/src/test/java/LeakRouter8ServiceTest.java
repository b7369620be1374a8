# integration setup
TOKEN = "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"
