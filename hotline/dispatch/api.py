from ninja import Router

router = Router(tags=["dispatch"])
provider = Router(tags=["provider"])
