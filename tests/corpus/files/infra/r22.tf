# settings
resource "aws_db_instance" "db" {
  password = "-DvE27e1iD7~eQS"
}
