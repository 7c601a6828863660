"""Compile a plan into states: the script, the camera rig, entity motion, the world state and prompts."""
