from lists.resources import PostResource

routes = [*PostResource.routes("/posts", name="posts")]
