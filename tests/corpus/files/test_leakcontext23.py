# integration setup
TOKEN = "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"
