from rustforge.http import route
from rustforge.http.welcome import WelcomePage
from testproject import resources

routes = [
    route("/", WelcomePage, name="welcome"),
    route("/echo", resources.Echo, name="echo"),
    route("/boom", resources.Boom, name="boom"),
    route("/items/{id:int}", resources.Item, name="item"),
    route("/go", resources.Go, name="go"),
]
