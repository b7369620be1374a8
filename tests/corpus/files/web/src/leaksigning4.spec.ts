# integration setup
TOKEN = "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"
