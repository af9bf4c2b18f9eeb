use super::*;

#[test]
fn starts_answers_and_dies_on_kill() {
    let mut redis = RedisServer::require();
    assert!(redis.ping());
    redis.pause().unwrap();
    assert!(!redis.ping(), "a stopped server answers nothing");
    redis.resume().unwrap();
    assert!(redis.ping());
    redis.kill();
    assert!(!redis.ping());
    assert!(redis.pause().is_err());
    redis.restart().unwrap();
    assert!(redis.ping());
}

#[test]
fn drop_kills_the_process() {
    let redis = RedisServer::require();
    let addr = redis.addr();
    drop(redis);
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err());
}
