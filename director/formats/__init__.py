"""Other tools' formats, in and out.

In: ``deforum.py`` (Deforum settings, schedules read by ``schedule_expr.py``), ``parseq.py`` (Parseq
renders); both convert motion through ``deforum_units.py`` into ``camera_motion.CameraMotion`` and build
the timeline in ``imported.py``; ``detect.py`` tells the kinds of JSON apart.
Out: ``otio_export.py`` (OpenTimelineIO), ``subtitles.py`` (SRT/WebVTT), ``storyboard.py`` (PDF), the
Deforum/Parseq writers; ``take_notes.py`` says what each directive of a take asked and how it was read;
``session_export.py`` serves the app, ``commands.py`` the CLI.
"""
