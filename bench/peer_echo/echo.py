"""The awslambdaric peer of our `echo` handler: returns the event."""


def handler(event, context):
    return event
