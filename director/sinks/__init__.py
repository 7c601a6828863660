"""Where chunks go: the clip writer, the live preview stream and contact sheets."""
