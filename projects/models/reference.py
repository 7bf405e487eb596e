from django.db import models


class ReferenceCounter(models.Model):
    """The last application number given in a year. Locked row by row, so references stay
    unique and gap-free however many applications are submitted at once."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
