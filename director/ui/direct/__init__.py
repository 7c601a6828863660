"""The Direct tab: a gradio-free controller (``controller.py``: editor fields in, typed views out) and a
thin Gradio layout over it (``layout.py``). Importing this package does not import gradio."""
