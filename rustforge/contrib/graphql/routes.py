from rustforge.http import route

# NOTE(memory): resources are named by dotted path, imported by their first
# request (docs/architecture.md, heavy libraries load on first use).
routes = [route("/", "rustforge.contrib.graphql.resources.GraphQLEndpoint",
                methods=("GET", "POST"), name="endpoint")]
