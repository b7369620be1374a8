# integration setup
TOKEN = "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"
