"""Running a take: the Director's chunk loop, checkpoints, pacing and the render entry point."""
