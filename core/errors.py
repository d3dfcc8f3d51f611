class SeatActionError(Exception):
    """A rule refused an action. The message is shown to the person who tried it, as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
