"""A password hasher that counts its work, for tests that compare two paths' cost without
timing them."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingPasswordHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    encodings = 0

    def encode(self, password, salt):
        type(self).encodings += 1
        return super().encode(password, salt)
