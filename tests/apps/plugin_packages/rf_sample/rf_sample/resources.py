from rustforge.http import render


class Hello:
    def on_get(self, req, resp):
        render(req, resp, "rf_sample/hello.html", {"who": "plugin"})
