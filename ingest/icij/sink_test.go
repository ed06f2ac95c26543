package icij

import "github.com/ubo-project/ubo/model"

func entityStub(id string) model.Entity { return model.Entity{ID: "icij:" + id, Kind: model.Company} }
