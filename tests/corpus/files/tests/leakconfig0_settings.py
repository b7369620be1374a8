# integration setup
TOKEN = "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"
