# SPDX-License-Identifier: Apache-2.0
"""The awslambdaric peer of our `echo` handler: returns the event."""


def handler(event, context):
    return event
