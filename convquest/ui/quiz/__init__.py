"""Quizzes served to a class: the student's quiz screen (screen, done, app) and the teacher's live
view (teacher). Entry points in `command`; the quiz logic itself is convquest.classroom."""
