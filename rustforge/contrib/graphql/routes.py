from rustforge.contrib.graphql.resources import GraphQLEndpoint
from rustforge.http import route

routes = [route("/", GraphQLEndpoint, name="endpoint")]
