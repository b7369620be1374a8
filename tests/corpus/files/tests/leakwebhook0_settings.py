# integration setup
TOKEN = "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"
