# integration setup
TOKEN = "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"
