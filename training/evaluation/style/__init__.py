"""Style-transfer evaluation: style classifier, metrics, harness (`maeum eval style`)."""
