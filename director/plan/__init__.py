"""What the creator writes: the timeline model, time codes, styles, presets, images and input limits."""
