"""The Gradio surfaces of director. They hold no generation logic: everything goes through the library
(Timeline, Director, ClipWriter). Per-session state lives in ``sessions.SessionStore``."""
