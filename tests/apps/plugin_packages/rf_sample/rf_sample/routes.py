from rf_sample import resources
from rustforge.http import route

routes = [route("/hello", resources.Hello, name="hello")]
