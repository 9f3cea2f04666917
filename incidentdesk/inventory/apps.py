from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "incidentdesk.inventory"
    label = "inventory"
