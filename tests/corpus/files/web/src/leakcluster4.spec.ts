# integration setup
TOKEN = "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"
