from django.db import models


class World(models.Model):
    randomnumber = models.IntegerField()

    class Meta:
        db_table = "world"
        managed = False


class Fortune(models.Model):
    message = models.CharField(max_length=2048)

    class Meta:
        db_table = "fortune"
        managed = False


class Author(models.Model):
    name = models.CharField(max_length=80)

    class Meta:
        db_table = "bench_author"
        managed = False


class Post(models.Model):
    title = models.CharField(max_length=120)
    body = models.TextField()
    author = models.ForeignKey(Author, models.CASCADE, related_name="posts")

    class Meta:
        db_table = "bench_post"
        managed = False
