# integration setup
TOKEN = "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"
