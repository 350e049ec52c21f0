"""One module per exercise; each defines ``EXERCISE`` (see ``zeronn.exercises.exercise.Exercise``)."""
