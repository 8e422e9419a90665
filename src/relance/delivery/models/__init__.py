from relance.delivery.models.message import Attachment, Message, MessageState, Postage

__all__ = ["Attachment", "Message", "MessageState", "Postage"]
