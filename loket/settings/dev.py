"""`make run`: SQLite, eager tasks and console e-mail unless the environment says otherwise."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
