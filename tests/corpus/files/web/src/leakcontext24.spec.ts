# integration setup
TOKEN = "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"
