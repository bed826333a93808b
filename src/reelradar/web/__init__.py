"""The web page: server-rendered Jinja2 templates with htmx, served by the API's app."""
