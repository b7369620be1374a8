# integration setup
TOKEN = "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"
